"""The pages of the domain in partners/: sign-in, one's account, administration, partnerships and
sharing rules (blueprints ``auth``, ``account``, ``admin``, ``partnerships``, ``sharing``)."""
