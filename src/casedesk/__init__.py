"""casedesk: an ITIL service desk built around a CASE tracking system."""
