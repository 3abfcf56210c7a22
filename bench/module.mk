# sources of bench/, one per line
