"""The catalogue: categories, services with upgrades, favourites and the cart.

>>> tree = default_categories()
>>> len(tree) >= 90, tree.category(CategoryId("logo-design")).name("ar")
(True, 'تصميم شعارات')
"""

from microgigs.catalog._cart import Cart, CartLine, Favourites
from microgigs.catalog._category import Category, CategoryTree, Section, default_categories
from microgigs.catalog._service import (
    Service,
    ServiceSnapshot,
    ServiceStatus,
    Upgrade,
    check_price,
    check_unit_price,
    service_refusals,
)
from microgigs.ids import CategoryId

__all__ = [
    "Cart",
    "CartLine",
    "Category",
    "CategoryId",
    "CategoryTree",
    "Favourites",
    "Section",
    "Service",
    "ServiceSnapshot",
    "ServiceStatus",
    "Upgrade",
    "check_price",
    "check_unit_price",
    "default_categories",
    "service_refusals",
]
