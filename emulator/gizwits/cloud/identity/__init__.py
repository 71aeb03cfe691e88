"""Who is who: applications, users and their tokens, app tokens and verification codes."""
