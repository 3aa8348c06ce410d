"""One module per sidebar page; each page reads and writes through the AppContext only."""
