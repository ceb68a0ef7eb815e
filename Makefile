# IronLB — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
SAMPLES := $(wildcard config/*.yaml)

.PHONY: all build test bench bench-allocator bench-controller bench-speaker bench-bgp demo deps clean deploy-key deploy-check install-plugin demo-build demo-controller lab-up lab-down release-speaker speaker-order

## How the release binaries are built (deploy/Dockerfile uses the same flags, which
## `make deploy-check` and DeployTests check; the benchmarks measure lb-speaker built so):
## - the Swift runtime and Foundation linked in (--static-swift-stdlib);
## - every function in its own section and the functions lb-speaker runs placed together
##   (deploy/lb-speaker.order, from `make speaker-order`): the kernel maps 64 KiB of an
##   executable around each page fault, so scattered code made 18 MB of its 27 MB resident;
##   grouped, about 7 MB is;
## - relative relocations packed (DT_RELR, glibc 2.36+): 3 MB of `.rela.dyn` the loader read at
##   every start become 25 KB, and the executable stays position independent;
## - no symbols exported from the executable (nothing loads against it; backtraces read the
##   symbol table, which stays);
## - libstdc++ linked from its archive (deploy/static-libstdc++ says why and how).
SPEAKER_ORDER := deploy/lb-speaker.order
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -use-ld=lld \
	-Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic \
	-Xlinker --symbol-ordering-file=$(CURDIR)/$(SPEAKER_ORDER) -Xlinker --no-warn-symbol-ordering \
	-Xlinker -L$(CURDIR)/deploy/static-libstdc++

all: build

## Install what a fresh Debian machine lacks (needs root; a no-op when all is present).
deps:
	@bash .ci/deps

build:
	$(SWIFT) build

## Install what is missing (Debian packages, kubernetes-validate), build and run every test
## (unit, property, fuzz; the namespace-lab and router interop suites need root).
## Suites run one at a time: the lab suites drive real processes and block while they wait,
## and on a two-core machine running them beside the timing-sensitive suites (leader election,
## membership) starved those of threads. Serial, the whole run takes about 2.5 minutes.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --no-parallel

## Benchmarks print figures; they are not tests and assert nothing.
bench: bench-allocator bench-controller bench-speaker bench-bgp

bench-allocator:
	$(SWIFT) build -c release --product lb-bench
	.build/release/lb-bench

## 10k Services at full speed and at 100/s, restart time and RSS (takes about 3 minutes).
bench-controller:
	$(SWIFT) build -c release --product kube-test-server
	$(SWIFT) build -c release --product controller-bench
	$(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-static --product lb-controller
	.build/release/controller-bench .build/release .build-static/release

## Layer-2 speaker vs the kernel's ARP reply and keepalived VRRP in one namespace lab (root;
## about 4.5 minutes after the builds). lb-speaker is measured as deploy/Dockerfile ships it
## (RELEASE_FLAGS).
bench-speaker: release-speaker
	$(SWIFT) build -c release --product kube-test-server
	$(SWIFT) build -c release --product lb-controller
	$(SWIFT) build -c release --product speaker-bench
	mkdir -p .build/bench-speaker-bin
	ln -sf $(CURDIR)/.build/release/kube-test-server $(CURDIR)/.build/release/lb-controller \
	  $(CURDIR)/.build-static/release/lb-speaker .build/bench-speaker-bin/
	.build/release/speaker-bench .build/bench-speaker-bin

## lb-speaker as released (see RELEASE_FLAGS), in .build-static/release.
release-speaker:
	@# SwiftPM does not know the order file is a link input: relink when it is newer.
	@if [ .build-static/release/lb-speaker -ot $(SPEAKER_ORDER) ]; then rm -f .build-static/release/lb-speaker; fi
	$(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-static --product lb-speaker

## Regenerate deploy/lb-speaker.order after changes to the speaker (root, valgrind; about 4
## minutes): which functions lb-speaker runs in the benchmarks' labs, under callgrind.
speaker-order: release-speaker
	@command -v valgrind >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind)
	@command -v exabgp >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq exabgp)
	$(SWIFT) build -c release --product kube-test-server
	$(SWIFT) build -c release --product lb-controller
	$(SWIFT) build -c release --product speaker-bench
	$(SWIFT) build -c release --product bgp-bench
	bash scripts/profile-speaker-order.sh

## BGP: lb-speaker, gobgpd and exabgp in turn announcing 10,000 /32s to one bird2 in a namespace
## lab, side by side (root; about 2 minutes after the builds). lb-speaker is measured as
## deploy/Dockerfile ships it (RELEASE_FLAGS). exabgp is installed on first use: only this
## benchmark needs it.
bench-bgp: release-speaker
	@command -v exabgp >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq exabgp)
	$(SWIFT) build -c release --product kube-test-server
	$(SWIFT) build -c release --product lb-controller
	$(SWIFT) build -c release --product bgp-bench
	mkdir -p .build/bench-bgp-bin
	ln -sf $(CURDIR)/.build/release/kube-test-server $(CURDIR)/.build/release/lb-controller \
	  $(CURDIR)/.build-static/release/lb-speaker .build/bench-bgp-bin/
	.build/release/bgp-bench .build/bench-bgp-bin

## The binaries the lab demo runs (IRONLB_BIN_DIR=DIR makes the demo use other builds).
DEMO_PRODUCTS := lb-speaker lb-controller kube-test-server lbctl lab-demo

demo-build:
	for p in $(DEMO_PRODUCTS); do $(SWIFT) build --product $$p || exit 1; done

## The local lab demo (root; re-runs itself with sudo otherwise): kube-test-server, lb-controller,
## an lb-speaker in each of three node namespaces, a bird2 router and a client namespace; a
## layer-2 Service served by an HTTP backend on every node, `kubectl get svc`, `lbctl status`, a
## request from the client, the bgp Service's routes in bird2, then kill -9 of the announcing
## speaker with the measured gap. Removes everything; exits non-zero if any step failed.
demo: deps demo-build
	bash scripts/lab-demo.sh run

## The controller-only demo on 127.0.0.1 (no root): two lb-controller replicas, an invalid config
## refused, the leader killed and the standby taking over.
demo-controller: deps
	$(SWIFT) build --product kube-test-server
	$(SWIFT) build --product lb-controller
	$(SWIFT) build --product lbctl
	bash scripts/demo.sh

## The same lab left running for kubectl and lbctl (it prints how; state in /tmp/ironlb-lab).
lab-up: deps demo-build
	bash scripts/lab-demo.sh up

lab-down:
	bash scripts/lab-demo.sh down

## The speakers' membership key (deploy/memberlist.key, git-ignored): generated once per install.
deploy-key: deploy/memberlist.key
deploy/memberlist.key:
	head -c 32 /dev/urandom | base64 > $@
	@echo "generated $@ (keep it secret; every speaker of one cluster needs the same key)"

## Check deploy/ without a cluster: render it with a throwaway membership key (a fresh checkout
## needs no `make deploy-key`, and your real key is never read), validate every object strictly
## against the Kubernetes 1.32 schemas (kubernetes-validate, from PyPI) and lint the Dockerfile.
## `make test` (DeployTests) checks all this and more: exact RBAC, security contexts, probes, the
## binaries' flags, and `kubectl apply -k` against KubeTestServer.
deploy-check:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -R deploy "$$tmp/deploy"; rm -f "$$tmp/deploy/memberlist.key"; \
	head -c 32 /dev/urandom | base64 > "$$tmp/deploy/memberlist.key"; \
	kubectl kustomize "$$tmp/deploy" > "$$tmp/rendered.yaml"; \
	echo "deploy/ renders: $$(grep -c '^kind:' "$$tmp/rendered.yaml") objects"; \
	command -v kubernetes-validate >/dev/null || pip install -q kubernetes-validate; \
	kubernetes-validate --strict --quiet -k 1.32.0 "$$tmp/rendered.yaml"; \
	echo "every object passes strict schema validation (Kubernetes 1.32)"
	@set -e; f=deploy/Dockerfile; \
	grep -q -- '--static-swift-stdlib' $$f || { echo "$$f: binaries not built with --static-swift-stdlib"; exit 1; }; \
	for b in lb-controller lb-speaker lbctl; do grep -q "/out/$$b" $$f || { echo "$$f: does not install $$b"; exit 1; }; done; \
	grep -Eq '^USER +[1-9][0-9]*' $$f || { echo "$$f: the release image does not run as a non-root USER"; exit 1; }; \
	if command -v hadolint >/dev/null; then hadolint $$f; fi; \
	echo "$$f: one image, three statically linked Swift binaries, non-root"

PREFIX ?= /usr/local

## Install lbctl and link it as the kubectl plugin `kubectl-lb`, so `kubectl lb status` works.
install-plugin:
	$(SWIFT) build -c release --product lbctl
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/lbctl" $(DESTDIR)$(PREFIX)/bin/lbctl
	ln -sf lbctl $(DESTDIR)$(PREFIX)/bin/kubectl-lb
	@echo "installed $(DESTDIR)$(PREFIX)/bin/lbctl and kubectl-lb; try: kubectl lb status"

clean:
	rm -rf .build
