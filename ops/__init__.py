"""Operations around Qualia: circuit breakers, health, backups. The core works without this package."""
