"""The security pictures a customer chooses from (ids are opaque, labels in Spanish)."""

from __future__ import annotations

SECURITY_IMAGES: tuple[tuple[str, str], ...] = (
    ("sec_mountain", "Montaña"),
    ("sec_sea", "Mar"),
    ("sec_condor", "Cóndor"),
    ("sec_volcano", "Volcán"),
    ("sec_hummingbird", "Colibrí"),
    ("sec_guitar", "Guitarra"),
    ("sec_tortoise", "Tortuga de Galápagos"),
    ("sec_cacao", "Cacao"),
    ("sec_bike", "Bicicleta"),
    ("sec_sun", "Sol"),
    ("sec_rose", "Rosa"),
    ("sec_train", "Tren"),
)

SECURITY_IMAGE_IDS = frozenset(image_id for image_id, _ in SECURITY_IMAGES)
