"""Importing the registers stations already keep: reading files, mapping columns, previewing, writing, undoing."""
