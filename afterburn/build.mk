# Afterburner rules (host tool). Owned by the afterburner work.
