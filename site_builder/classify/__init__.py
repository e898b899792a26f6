"""Recommendation → what it is about (themes) and how much it asks (action level).

Both are read from the recommendation's own words by published rules, so a reader can check
every assignment: themes by `rules.yaml` over the taxonomy in `themes.yaml`, the action level by
the first operative verb. The method page explains both.
"""
