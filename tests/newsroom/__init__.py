"""Tests of the newsroom: a real PostgreSQL server, started and stopped by the tests."""
