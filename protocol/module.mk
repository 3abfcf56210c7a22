# sources of protocol/, one per line
