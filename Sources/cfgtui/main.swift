print("cfgtui")
