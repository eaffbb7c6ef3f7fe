"""The web kernel every area's pages and the API share: declared access, the per-request session
and its one commit, the service context, forms, pagination, errors, CSV export, navigation."""
