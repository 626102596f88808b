"""Bulk import and export of tracker data as CSV and JSON (see README, "Importing and exporting data")."""
