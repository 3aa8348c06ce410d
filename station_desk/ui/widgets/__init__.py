"""Reusable widgets: form fields with inline messages, date-time pickers, empty states, small charts."""
