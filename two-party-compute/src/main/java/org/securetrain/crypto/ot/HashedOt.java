package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * The OT flavours derived from IKNP block COT by hashing the rows (random, ring-correlated and chosen-message
 * OT): one end of the extension and the correlation-robust hash; the public subclasses add their call.
 */
abstract class HashedOt<E extends IknpEnd> {
    final E core;
    final CrHash hash = new CrHash();

    HashedOt(E core) {
        this.core = core;
    }
}
