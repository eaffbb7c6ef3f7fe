"""UN/EDIFACT specifics: the UNB/UNG/UNH envelope."""
