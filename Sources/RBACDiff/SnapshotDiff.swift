// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACGraph
import RBACModel

/// Everything that differs between two snapshots, permission-level first: who gained or lost what, which
/// escalation paths appeared or disappeared, who became admin-equivalent, then the objects behind it all.
public struct SnapshotDiff: Sendable, Codable {
  public var from: String
  public var to: String
  public var permissions: [SubjectChanges]
  public var paths: [PathChange]
  public var admins: [AdminChange]
  public var objects: [ObjectChange]

  /// What to keep of a diff.
  public struct Filter: Sendable {
    /// Only this identity's changes (and the bindings that name it).
    public var subject: GraphNode?
    /// Only changes that hold in this namespace (cluster-wide ones hold there too), its service accounts' paths,
    /// and its objects.
    public var namespace: String?

    public init(subject: GraphNode? = nil, namespace: String? = nil) {
      self.subject = subject
      self.namespace = namespace
    }
  }

  public init(_ old: DiffSide, _ new: DiffSide, filter: Filter = Filter()) {
    from = old.name
    to = new.name
    // A resource is cluster-scoped if either side's CustomResourceDefinition says so (a CRD's scope is immutable).
    let custom = (old.content.customResources + new.content.customResources).map(\.object)
    permissions = PermissionDiff.compare(old.policy, new.policy, catalog: ResourceCatalog(custom: custom))
    paths = []
    admins = []
    objects = []
    let scope = narrowPermissions(filter, old, new)
    // The object diff needs nothing of the path diff, whose serial parts leave a core idle: they run side by side.
    let (oldContent, newContent) = (old.content, new.content)
    let (objectChanges, pathChanges) = inParallel({ ObjectDiff.compare(oldContent, newContent) }) {
      (PathDiff.compare(old, new, only: scope), PathDiff.compareAdmins(old, new, only: scope))
    }
    (paths, admins) = pathChanges
    objects = narrowObjects(objectChanges, filter, old, new)
  }

  /// Narrows permissions to the filter, and returns the identities whose paths and admin-equivalence to report
  /// (nil: all, with group and cause folding).
  private mutating func narrowPermissions(_ filter: Filter, _ old: DiffSide, _ new: DiffSide) -> Set<GraphNode>? {
    var scope: Set<GraphNode>? = nil
    if let subject = filter.subject {
      scope = [subject]
      permissions = permissions.filter { $0.subject == subject }
    }
    if let namespace = filter.namespace {
      permissions = permissions.compactMap { entry in
        var entry = entry
        entry.gained = entry.gained.filter { $0.namespace == nil || $0.namespace == namespace }
        entry.lost = entry.lost.filter { $0.namespace == nil || $0.namespace == namespace }
        return entry.gained.isEmpty && entry.lost.isEmpty ? nil : entry
      }
      // Its service accounts, and whoever gained or lost something that holds there.
      let accounts = old.identities.union(new.identities).filter { node in
        if case .serviceAccount(let ns, _) = node { return ns == namespace }
        return false
      }
      let inNamespace = accounts.union(permissions.map(\.subject))
      scope = scope.map { $0.intersection(inNamespace) } ?? inNamespace
    }
    return scope
  }

  /// The object changes the filter keeps: the bindings that name its subject, the objects of its namespace.
  private func narrowObjects(_ objects: [ObjectChange], _ filter: Filter, _ old: DiffSide, _ new: DiffSide)
    -> [ObjectChange]
  {
    var objects = objects
    if let subject = filter.subject {
      let named = Set(
        [old.content, new.content].flatMap { content in
          content.roleBindings.filter { names($0.object.subjects, $0.object.namespace, subject) }.map {
            "RoleBinding\u{0}\($0.object.namespace)\u{0}\($0.object.name)"
          } + content.clusterRoleBindings.filter { names($0.object.subjects, "", subject) }.map {
            "ClusterRoleBinding\u{0}\u{0}\($0.object.name)"
          }
        })
      objects = objects.filter { named.contains("\($0.kind)\u{0}\($0.namespace)\u{0}\($0.name)") }
    }
    if let namespace = filter.namespace { objects = objects.filter { $0.namespace == namespace } }
    return objects
  }

  private func names(_ subjects: [Subject], _ bindingNamespace: String, _ node: GraphNode) -> Bool {
    subjects.contains { subject in
      subject.matchKey(bindingNamespace: bindingNamespace).map(GraphNode.init) == node
    }
  }

  /// What makes `diff --fail-on` fail.
  public enum FailOn: String, Sendable, CaseIterable {
    /// An identity became allowed everything.
    case adminGained = "admin-gained"
    /// A path to cluster-admin or node appeared or got shorter, or an identity became admin-equivalent.
    case newPaths = "new-paths"
    /// Any change of permissions, paths or admin-equivalence (object edits that change none do not count).
    case any
  }

  /// Whether the diff holds a change of that kind.
  public func fails(on condition: FailOn) -> Bool {
    let gainedAdmin = admins.contains(where: \.became)
    switch condition {
    case .adminGained: return gainedAdmin
    case .newPaths: return gainedAdmin || paths.contains { $0.kind == .appeared || $0.kind == .shorter }
    case .any: return !permissions.isEmpty || !paths.isEmpty || !admins.isEmpty
    }
  }

  public var isEmpty: Bool { permissions.isEmpty && paths.isEmpty && admins.isEmpty && objects.isEmpty }
}
