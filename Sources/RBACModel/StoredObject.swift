// rolecall — SPDX-License-Identifier: Apache-2.0

/// An object a snapshot holds one of per kind, namespace and name: at ingest a later definition (or an input over a
/// base snapshot) replaces an earlier one with the same identity, and `diff` pairs objects by it.
public protocol StoredObject {
  var kindName: String { get }
  /// Empty for cluster-scoped objects.
  var objectNamespace: String { get }
  var objectName: String { get }
}

extension StoredObject {
  public var identityKey: String { kindName + "\u{0}" + objectNamespace + "\u{0}" + objectName }
}

extension ClusterRole: StoredObject {
  public var kindName: String { "ClusterRole" }
  public var objectNamespace: String { "" }
  public var objectName: String { name }
}

extension Role: StoredObject {
  public var kindName: String { "Role" }
  public var objectNamespace: String { namespace }
  public var objectName: String { name }
}

extension ClusterRoleBinding: StoredObject {
  public var kindName: String { "ClusterRoleBinding" }
  public var objectNamespace: String { "" }
  public var objectName: String { name }
}

extension RoleBinding: StoredObject {
  public var kindName: String { "RoleBinding" }
  public var objectNamespace: String { namespace }
  public var objectName: String { name }
}

extension ServiceAccount: StoredObject {
  public var kindName: String { "ServiceAccount" }
  public var objectNamespace: String { namespace }
  public var objectName: String { name }
}

extension Namespace: StoredObject {
  public var kindName: String { "Namespace" }
  public var objectNamespace: String { "" }
  public var objectName: String { name }
}

extension Workload: StoredObject {
  public var kindName: String { kind }
  public var objectNamespace: String { namespace }
  public var objectName: String { name }
}

extension SecretMetadata: StoredObject {
  public var kindName: String { "Secret" }
  public var objectNamespace: String { namespace }
  public var objectName: String { name }
}
