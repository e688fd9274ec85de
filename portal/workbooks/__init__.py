"""Spreadsheet templates for the steps: their description in content/ (spec) and the XLSX file
the portal builds from it (build)."""
