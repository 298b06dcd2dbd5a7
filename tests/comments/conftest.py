"""Fixtures of the comments tests; the people and the shared draft are in tests/conftest.py."""
