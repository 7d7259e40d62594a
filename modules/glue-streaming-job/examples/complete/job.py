# A stand-in for the generated script (streamgen renders the real one).
print("hello from Glue")
