"""The regional server (FastAPI over PostgreSQL); built in the sync issue."""
