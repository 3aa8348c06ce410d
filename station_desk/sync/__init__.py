"""Station-side sync with the regional server: protocol (shared with the server), client, apply."""
