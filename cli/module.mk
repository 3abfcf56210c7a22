# sources of cli/, one per line
