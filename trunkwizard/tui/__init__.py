"""The Textual wizard: provider -> account -> mode -> details -> review -> submit -> result.

It renders the provider specs from `trunkwizard.providers` and never knows a provider by name.
Only this package imports Textual.
"""
