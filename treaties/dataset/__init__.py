"""The record as a citable dataset: its tables, described as a Frictionless Data package, in one versioned download.

`tables` says what each table's columns are and `rows` reads them (the site's CSV downloads use both); `package`
puts the tables together with their description, licence and version, as a ZIP of CSVs and as one JSON file.
"""
