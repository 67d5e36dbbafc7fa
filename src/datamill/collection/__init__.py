"""Collection from people: consent texts, invitation links, speaker quotas, prompts,
recordings and re-recording requests (domain brief §4.3)."""
