"""Find anything: the header's search box over every kind of record the viewer may open."""
