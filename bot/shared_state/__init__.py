"""What several bot instances must share, kept in Redis (BOT_SHARED_STATE_URL)."""
