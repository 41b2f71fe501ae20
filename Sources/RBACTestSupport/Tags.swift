// rolecall — SPDX-License-Identifier: Apache-2.0

import Testing

extension Tag {
  /// Tests that take tens of seconds (hundreds of random clusters, an ingest killed again and again): `make test`
  /// and `.ci/run` run them as a step of their own, after the rest (`swift test --skip tag:slow`).
  @Tag public static var slow: Self
}
