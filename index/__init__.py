"""Reading, chunking, embedding and storing reports: read → chunk → embed → store."""
