"""Qt table models over plain rows from the services, with keyset paging where lists grow large."""
