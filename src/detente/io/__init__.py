"""Reading and writing scenario files: YAML/JSON loading with located errors, atomic saving."""
