"""Volunteer views by audience: public, volunteer (own pages), coordination (staff)."""
