# sources of appliance/, one per line
