"""Dialogs: unlock, first-run setup, and the small confirmations pages ask for."""
