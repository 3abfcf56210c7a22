# sources of tests/, one per line
