"""Self-checking exercises. Placeholder: filled in by its issue."""
