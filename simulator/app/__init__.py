"""The student page (`talentsim app`): a Mesa SolaraViz page over the model, with levers from the schema."""
