"""Storage layer: SQLite connections, transactions and schema migrations. No Qt here."""
