"""Actions of the online-banking registration journey ("Registro en Produbanco en línea")."""
