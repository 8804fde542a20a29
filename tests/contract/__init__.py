"""The black-box HTTP contract suite: it knows URLs and bodies, not frameworks."""
