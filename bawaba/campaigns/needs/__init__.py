"""A campaign's needs per commune and stage, set from a CSV file: the pure file format (`csvfile`), its problems
in the reader's language (`problems`), the reads of the staff pages (`selectors`) and the import (`services`)."""
