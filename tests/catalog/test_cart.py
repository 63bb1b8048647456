from __future__ import annotations

import attrs
import pytest

from microgigs.actors import Actor
from microgigs.catalog import Cart, Favourites
from microgigs.errors import (
    DuplicateUpgrade,
    InvalidType,
    MemberSuspended,
    NotFound,
    OutOfRange,
    OwnService,
    ServiceNotAvailable,
    UnknownUpgrade,
)
from microgigs.ids import MemberId, UpgradeId
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import EPOCH, make_member, make_service, upgrade

POLICY = KHAMSAT.catalog
ADMIN = Actor.admin(MemberId("M-admin"))


@pytest.fixture
def buyer():
    return make_member("ahmad_buyer")


@pytest.fixture
def service():
    service = make_service(upgrades=[upgrade(1), upgrade(2)])
    service.submit(Actor.member(service.seller_id), EPOCH)
    service.approve(ADMIN, EPOCH)
    return service


def test_put_change_and_remove(buyer, service):
    cart = Cart(buyer.id)
    cart.put(buyer, service, POLICY, upgrade_ids=[UpgradeId("U2")], quantity=2)
    cart.change_quantity(buyer, service, POLICY, 3)
    line = cart.change_upgrades(buyer, service, POLICY, [UpgradeId("U1"), UpgradeId("U2")])
    assert ((UpgradeId("U1"), UpgradeId("U2")), 3) == (line.upgrade_ids, line.quantity)
    assert 1 == len(cart)
    cart.remove(service.id)
    assert 0 == len(cart)
    with pytest.raises(NotFound):
        cart.remove(service.id)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"quantity": 0}, OutOfRange),
        ({"quantity": 11}, OutOfRange),
        ({"quantity": 2.5}, InvalidType),
        ({"quantity": "2"}, InvalidType),
        ({"upgrade_ids": [UpgradeId("U9")]}, UnknownUpgrade),
        ({"upgrade_ids": [UpgradeId("U1"), UpgradeId("U1")]}, DuplicateUpgrade),
    ],
)
def test_bad_lines_are_refused_and_change_nothing(buyer, service, kwargs, error):
    cart = Cart(buyer.id)
    cart.put(buyer, service, POLICY)
    before = attrs.asdict(cart)
    with pytest.raises(error):
        cart.put(buyer, service, POLICY, **kwargs)
    assert before == attrs.asdict(cart)


def test_upgrades_of_another_service_are_refused(buyer, service):
    other = make_service(service_id="S-other", upgrades=[upgrade(7)])
    other.submit(Actor.member(other.seller_id), EPOCH)
    other.approve(ADMIN, EPOCH)
    with pytest.raises(UnknownUpgrade):
        Cart(buyer.id).put(buyer, service, POLICY, upgrade_ids=[UpgradeId("U7")])


def test_own_inactive_and_suspended_are_refused(buyer, service):
    seller = make_member("sara_designs")
    with pytest.raises(OwnService):
        Cart(seller.id).put(seller, service, POLICY)
    with pytest.raises(OwnService):
        Favourites(seller.id).add(seller, service)
    service.pause(Actor.member(service.seller_id), EPOCH)
    with pytest.raises(ServiceNotAvailable):
        Cart(buyer.id).put(buyer, service, POLICY)
    with pytest.raises(ServiceNotAvailable):
        Favourites(buyer.id).add(buyer, service)
    service.resume(Actor.member(service.seller_id), EPOCH)
    buyer.suspend(ADMIN, "احتيال")
    with pytest.raises(MemberSuspended):
        Cart(buyer.id).put(buyer, service, POLICY)


def test_a_cart_belongs_to_its_owner(buyer, service):
    with pytest.raises(NotFound):
        Cart(buyer.id).put(make_member("someone_else"), service, POLICY)


def test_favourites(buyer, service):
    favourites = Favourites(buyer.id)
    favourites.add(buyer, service)
    favourites.add(buyer, service)
    assert [service.id] == list(favourites)
    assert service.id in favourites
    favourites.remove(service.id)
    assert [] == list(favourites)
    with pytest.raises(NotFound):
        favourites.remove(service.id)
    assert 2 == favourites.version
