/**
 * The DL4J secure layers: configurations ({@code Secure*Layer}, each a subclass of the DL4J configuration it replaces,
 * so DL4J sees the same fields, JSON and input-type inference) and their implementations on shares.
 *
 * <p>Each configuration carries Lombok's {@code @EqualsAndHashCode(callSuper = true)} and
 * {@code @ToString(callSuper = true)}, as DL4J's own configurations do: the generated {@code canEqual} makes a secure
 * configuration unequal to the plain one with the same fields in both directions (DL4J's {@code equals} asks the
 * other side's {@code canEqual}), the hash stays the plain twin's, and the text reads
 * {@code SecureDenseLayer(super=DenseLayer(...))}. Lombok runs at compile time only (provided scope).
 */
package org.securetrain.layers;
