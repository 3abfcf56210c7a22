# sources of launcher/, one per line
