"""The monthly report: figures from the database as plain dataclasses, their CSV and hash, and the PDF."""
