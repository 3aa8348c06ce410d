"""Qt-free use cases: every write validates, checks permissions, and adds audit and outbox rows in one go."""
