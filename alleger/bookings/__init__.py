"""Bookings of the shared places' resources (track 3)."""
