# sources of fsync/, one per line
